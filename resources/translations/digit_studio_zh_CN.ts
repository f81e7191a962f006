<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>RunReport</name>
    <message>
        <source>learning rate %1</source>
        <translation>学习率 %1</translation>
    </message>
    <message>
        <source>momentum %1</source>
        <translation>动量 %1</translation>
    </message>
    <message>
        <source>decay %1</source>
        <translation>衰减 %1</translation>
    </message>
    <message>
        <source>Optimiser</source>
        <translation>优化器</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>Loss（损失）</translation>
    </message>
    <message>
        <source> (from logits)</source>
        <translation>（基于 logits）</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>批次大小</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>轮数</translation>
    </message>
    <message>
        <source>%1 asked, %2 trained</source>
        <translation>设定 %1 轮，已训练 %2 轮</translation>
    </message>
    <message>
        <source>Validation</source>
        <translation>验证</translation>
    </message>
    <message>
        <source>the last %1 of the training set</source>
        <translation>训练集的最后 %1</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Shuffle, seed</source>
        <translation>打乱、随机种子</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>Early stopping</source>
        <translation>提前停止</translation>
    </message>
    <message>
        <source>on %1, patience %2%3</source>
        <translation>监控 %1，耐心 %2%3</translation>
    </message>
    <message>
        <source>, best weights restored</source>
        <translation>，恢复最佳权重</translation>
    </message>
    <message>
        <source>off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Augmentation</source>
        <translation>数据增强</translation>
    </message>
    <message>
        <source>shift up to %1 px, rotation up to %2°, scale ±%3, stroke changes %4</source>
        <translation>平移最多 %1 像素，旋转最多 %2°，缩放 ±%3，笔画变化 %4</translation>
    </message>
    <message>
        <source>Preprocessing</source>
        <translation>预处理</translation>
    </message>
    <message>
        <source>The network</source>
        <translation>网络</translation>
    </message>
    <message>
        <source>Training settings</source>
        <translation>训练设置</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>轮次</translation>
    </message>
    <message>
        <source>Training curves</source>
        <translation>训练曲线</translation>
    </message>
    <message>
        <source>No training history is at hand for this model: a model file keeps the weights and settings, not the curves. In the app, export the report right after training (or from the Train page&apos;s run); on the command line, give the history the training wrote: digit-cli report --model M.dsm --history H.csv.</source>
        <translation>这个模型没有可用的训练历史：模型文件只保存权重和设置，不保存曲线。在应用中，请在训练结束后（或对“训练”页中的那次训练）导出报告；在命令行中，请给出训练时写下的历史：digit-cli report --model M.dsm --history H.csv。</translation>
    </message>
    <message>
        <source>training, per batch (smoothed)</source>
        <translation>训练，每批次（平滑）</translation>
    </message>
    <message>
        <source>training, epoch mean</source>
        <translation>训练，每轮平均</translation>
    </message>
    <message>
        <source>validation</source>
        <translation>验证</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>Epoch %1: training loss %2, accuracy %3; validation loss %4, accuracy %5.</source>
        <translation>第 %1 轮：训练 loss %2，准确率 %3；验证 loss %4，准确率 %5。</translation>
    </message>
    <message>
        <source>Epoch %1: training loss %2, accuracy %3.</source>
        <translation>第 %1 轮：训练 loss %2，准确率 %3。</translation>
    </message>
    <message>
        <source>predicted digit</source>
        <translation>预测的数字</translation>
    </message>
    <message>
        <source>true digit</source>
        <translation>真实数字</translation>
    </message>
    <message>
        <source>a %1, said %2</source>
        <translation>是 %1，认成 %2</translation>
    </message>
    <message>
        <source>#%1, %2 sure</source>
        <translation>#%1，把握 %2</translation>
    </message>
    <message>
        <source>Quiz rounds against this model</source>
        <translation>与这个模型的测验</translation>
    </message>
    <message>
        <source>The person and the model answered the same test images. An image the person called ambiguous is left out of both scores.</source>
        <translation>人和模型回答的是同一批测试图像。被人判为“无法判断”的图像不计入双方的得分。</translation>
    </message>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>图像数</translation>
    </message>
    <message>
        <source>Ambiguous</source>
        <translation>无法判断</translation>
    </message>
    <message>
        <source>Person</source>
        <translation>人</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Could not write the report %1: %2</source>
        <translation>无法写入报告 %1：%2</translation>
    </message>
    <message>
        <source>Digit Studio run report: %1</source>
        <translation>Digit Studio 训练报告：%1</translation>
    </message>
    <message>
        <source>the PDF could not be started</source>
        <translation>无法开始写 PDF</translation>
    </message>
    <message>
        <source>Digit Studio run report</source>
        <translation>Digit Studio 训练报告</translation>
    </message>
    <message>
        <source>Model made %1; report written %2.</source>
        <translation>模型创建于 %1；报告写于 %2。</translation>
    </message>
    <message>
        <source>(unknown)</source>
        <translation>（未知）</translation>
    </message>
    <message>
        <source>Test accuracy: %1</source>
        <translation>测试准确率：%1</translation>
    </message>
    <message>
        <source>on the %1 MNIST test images: %2 mistakes, test loss %3</source>
        <translation>在 %1 张 MNIST 测试图像上：%2 个错误，测试 loss %3</translation>
    </message>
    <message>
        <source>Test accuracy: not measured (the MNIST test set was not at hand)</source>
        <translation>测试准确率：未测量（没有 MNIST 测试集）</translation>
    </message>
    <message>
        <source>Confusion matrix on the test set</source>
        <translation>测试集上的混淆矩阵</translation>
    </message>
    <message>
        <source>The %1 most confident mistakes</source>
        <translation>最有把握的 %1 个错误</translation>
    </message>
    <message>
        <source>Not measured: the MNIST test set was not at hand.</source>
        <translation>未测量：没有 MNIST 测试集。</translation>
    </message>
    <message>
        <source>the PDF could not be finished</source>
        <translation>无法完成 PDF</translation>
    </message>
    <message>
        <source>The model has an 11th output, &quot;not a digit&quot;: it gave %1 test digits to it (counted as mistakes above). The confusion matrix and the mistakes on page 3 rank the ten digits only, as the Errors page does.</source>
        <translation>这个模型有第 11 个输出“不是数字”：它把 %1 张测试数字归入了这一类（上面算作错误）。第 3 页的混淆矩阵和错误只在十个数字之间排名，与“错误”页相同。</translation>
    </message>
</context>
<context>
    <name>ViewExport</name>
    <message>
        <source>Training curves</source>
        <translation>训练曲线</translation>
    </message>
    <message>
        <source>Confusion matrix</source>
        <translation>混淆矩阵</translation>
    </message>
    <message>
        <source>Image grid</source>
        <translation>图像网格</translation>
    </message>
    <message>
        <source>Probabilities</source>
        <translation>概率</translation>
    </message>
    <message>
        <source>Layer outputs</source>
        <translation>各层输出</translation>
    </message>
    <message>
        <source>Weights as tiles</source>
        <translation>权重图块</translation>
    </message>
    <message>
        <source>Weight histogram</source>
        <translation>权重直方图</translation>
    </message>
    <message>
        <source>Saliency map</source>
        <translation>显著图</translation>
    </message>
    <message>
        <source>Embedding of the test set</source>
        <translation>测试集的嵌入</translation>
    </message>
    <message>
        <source>Could not export %1: %2</source>
        <translation>无法导出 %1：%2</translation>
    </message>
    <message>
        <source>the view is not shown</source>
        <translation>该视图没有显示</translation>
    </message>
    <message>
        <source>Exported from Digit Studio</source>
        <translation>由 Digit Studio 导出</translation>
    </message>
    <message>
        <source>the SVG could not be started</source>
        <translation>无法开始写 SVG</translation>
    </message>
    <message>
        <source>the PNG could not be encoded</source>
        <translation>无法编码 PNG</translation>
    </message>
</context>
<context>
    <name>digit::ui::ConfusionMatrix</name>
    <message>
        <source>Predicted</source>
        <translation>预测</translation>
    </message>
    <message>
        <source>True</source>
        <translation>真实</translation>
    </message>
    <message>
        <source>No results yet</source>
        <translation>暂无结果</translation>
    </message>
    <message>
        <source>True %1, predicted %1: %2 test images (correct)</source>
        <translation>真实 %1，预测 %1：%2 张测试图像（正确）</translation>
    </message>
    <message>
        <source>True %1, predicted %2: %3 test images</source>
        <translation>真实 %1，预测 %2：%3 张测试图像</translation>
    </message>
</context>
<context>
    <name>digit::ui::DataPage</name>
    <message>
        <source>Training set</source>
        <translation>训练集</translation>
    </message>
    <message>
        <source>Test set</source>
        <translation>测试集</translation>
    </message>
    <message>
        <source>All digits</source>
        <translation>全部数字</translation>
    </message>
    <message>
        <source>Reshuffle</source>
        <translation>重新打乱</translation>
    </message>
    <message>
        <source>Show the images in a new random order</source>
        <translation>以新的随机顺序显示图像</translation>
    </message>
    <message>
        <source>Images:</source>
        <translation>图像：</translation>
    </message>
    <message>
        <source>Digit:</source>
        <translation>数字：</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>%1  (%2)</source>
        <translation>%1  （%2）</translation>
    </message>
    <message>
        <source>Images per digit: %1</source>
        <translation>每个数字的图像数：%1</translation>
    </message>
    <message>
        <source>Waiting for MNIST to load...</source>
        <translation>正在等待 MNIST 加载……</translation>
    </message>
    <message>
        <source>%1 training images in random order.</source>
        <translation>%1 张训练图像，随机顺序。</translation>
    </message>
    <message>
        <source>%1 test images in random order.</source>
        <translation>%1 张测试图像，随机顺序。</translation>
    </message>
    <message>
        <source>%1 training images of %2 in random order.</source>
        <translation>%1 张数字 %2 的训练图像，随机顺序。</translation>
    </message>
    <message>
        <source>%1 test images of %2 in random order.</source>
        <translation>%1 张数字 %2 的测试图像，随机顺序。</translation>
    </message>
    <message>
        <source>Training image #%1</source>
        <translation>训练图像 #%1</translation>
    </message>
    <message>
        <source>Test image #%1</source>
        <translation>测试图像 #%1</translation>
    </message>
</context>
<context>
    <name>digit::ui::DigitCanvas</name>
    <message>
        <source>Draw a digit here with the mouse or a pen</source>
        <translation>用鼠标或手写笔在这里写一个数字</translation>
    </message>
    <message>
        <source>Draw a digit here</source>
        <translation>在这里写一个数字</translation>
    </message>
</context>
<context>
    <name>digit::ui::DigitDetailDialog</name>
    <message>
        <source>Image</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>Send to Canvas</source>
        <translation>发送到画板</translation>
    </message>
    <message>
        <source>Open this image on the Draw page</source>
        <translation>在“手写”页打开这张图像</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Label: &lt;b&gt;%1&lt;/b&gt;</source>
        <translation>标签：&lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <source>No model to predict with.</source>
        <translation>没有可用于预测的模型。</translation>
    </message>
    <message>
        <source>%1 predicts: &lt;b style=&apos;color:%2&apos;&gt;%3&lt;/b&gt; (%4%)</source>
        <translation>%1 预测：&lt;b style=&apos;color:%2&apos;&gt;%3&lt;/b&gt;（%4%）</translation>
    </message>
    <message>
        <source>The model could not predict this image: %1</source>
        <translation>模型无法预测这张图像：%1</translation>
    </message>
    <message>
        <source>Look Inside</source>
        <translation>查看内部</translation>
    </message>
    <message>
        <source>See this image&apos;s way through the network on the Inside page</source>
        <translation>在“内部”页查看这张图像在网络中的传递过程</translation>
    </message>
</context>
<context>
    <name>digit::ui::DigitGrid</name>
    <message>
        <source>Previous</source>
        <translation>上一页</translation>
    </message>
    <message>
        <source>Previous page (Page Up)</source>
        <translation>上一页（Page Up）</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>下一页</translation>
    </message>
    <message>
        <source>Next page (Page Down)</source>
        <translation>下一页（Page Down）</translation>
    </message>
    <message>
        <source>Page %1 of %2  (%3-%4 of %5)</source>
        <translation>第 %1 / %2 页  （第 %3-%4 张，共 %5 张）</translation>
    </message>
</context>
<context>
    <name>digit::ui::DrawPage</name>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Brush:</source>
        <translation>笔刷：</translation>
    </message>
    <message>
        <source>Pen width</source>
        <translation>笔宽</translation>
    </message>
    <message>
        <source>Open Image...</source>
        <translation>打开图像……</translation>
    </message>
    <message>
        <source>Predict a PNG, JPEG or BMP picture of a digit. You can also drop a file on this page.</source>
        <translation>识别一张数字的 PNG、JPEG 或 BMP 图片。也可以把文件拖放到本页。</translation>
    </message>
    <message>
        <source>empty</source>
        <translation>空</translation>
    </message>
    <message>
        <source>The 28x28 image the model sees: the ink scaled to fit 20x20 and centred by its centre of mass, as in MNIST</source>
        <translation>模型看到的 28x28 图像：与 MNIST 相同，笔迹缩放到 20x20 以内，并按质心居中</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Prediction</source>
        <translation>预测</translation>
    </message>
    <message>
        <source>What the model sees (28x28)</source>
        <translation>模型看到的图像（28x28）</translation>
    </message>
    <message>
        <source>Probabilities</source>
        <translation>概率</translation>
    </message>
    <message>
        <source>Open a model (File &gt; Open Model) or train one on the Train page.</source>
        <translation>请打开一个模型（文件 &gt; 打开模型），或在“训练”页训练一个。</translation>
    </message>
    <message>
        <source>%1 parameters</source>
        <translation>%1 个参数</translation>
    </message>
    <message>
        <source>Not saved yet</source>
        <translation>尚未保存</translation>
    </message>
    <message>
        <source>The model could not predict this drawing: %1</source>
        <translation>模型无法识别这幅图：%1</translation>
    </message>
    <message>
        <source>No model to predict with yet.</source>
        <translation>还没有可用于预测的模型。</translation>
    </message>
    <message>
        <source>Draw a digit on the pad, or drop an image file on this page.</source>
        <translation>在画板上写一个数字，或把图像文件拖放到本页。</translation>
    </message>
    <message>
        <source>Not sure: maybe %1 (%2%) or %3 (%4%)</source>
        <translation>不确定：可能是 %1（%2%）或 %3（%4%）</translation>
    </message>
    <message>
        <source>%1% sure</source>
        <translation>把握 %1%</translation>
    </message>
    <message>
        <source>Not a digit</source>
        <translation>不是数字</translation>
    </message>
    <message>
        <source>%1% sure this is not a digit; the closest digit is %2</source>
        <translation>有 %1% 的把握这不是数字；最接近的数字是 %2</translation>
    </message>
    <message>
        <source>There is no image to predict.</source>
        <translation>没有可识别的图像。</translation>
    </message>
    <message>
        <source>Could not open %1: the file does not exist.</source>
        <translation>无法打开 %1：文件不存在。</translation>
    </message>
    <message>
        <source>Could not open %1: permission denied.</source>
        <translation>无法打开 %1：权限不足。</translation>
    </message>
    <message>
        <source>Could not open %1: it is a folder, not an image file.</source>
        <translation>无法打开 %1：这是一个文件夹，不是图像文件。</translation>
    </message>
    <message>
        <source>Could not open %1: it is not a regular file (a device or a pipe).</source>
        <translation>无法打开 %1：这不是普通文件（而是设备或管道）。</translation>
    </message>
    <message>
        <source>Could not open %1: the file is too large for an image.</source>
        <translation>无法打开 %1：文件太大，不是图像。</translation>
    </message>
    <message>
        <source>Could not open %1: it has %2 x %3 pixels, too many to read.</source>
        <translation>无法打开 %1：它有 %2 x %3 个像素，太多，无法读取。</translation>
    </message>
    <message>
        <source>%1 is not an image that can be read (%2). Open a PNG, JPEG or BMP picture of a digit.</source>
        <translation>%1 不是可读取的图像（%2）。请打开一张数字的 PNG、JPEG 或 BMP 图片。</translation>
    </message>
    <message>
        <source>Open Image</source>
        <translation>打开图像</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.bmp *.gif *.pgm *.ppm);;All files (*)</source>
        <translation>图像 (*.png *.jpg *.jpeg *.bmp *.gif *.pgm *.ppm);;所有文件 (*)</translation>
    </message>
    <message>
        <source>trained for 1 epoch</source>
        <translation>已训练 1 轮</translation>
    </message>
    <message>
        <source>trained for %1 epochs</source>
        <translation>已训练 %1 轮</translation>
    </message>
    <message>
        <source>Clear the pad (Undo brings the drawing back)</source>
        <translation>清空画板（撤销可找回画的内容）</translation>
    </message>
    <message>
        <source>Take back the last stroke or Clear (%1)</source>
        <translation>撤销最后一笔或清除操作（%1）</translation>
    </message>
    <message>
        <source>%1 px (%2%)</source>
        <translation>%1 像素（%2%）</translation>
    </message>
    <message>
        <source>Pen width: %1% of the pad&apos;s shorter side</source>
        <translation>笔宽：画板短边的 %1%</translation>
    </message>
    <message>
        <source>the file is empty</source>
        <translation>文件是空的</translation>
    </message>
</context>
<context>
    <name>digit::ui::EmbeddingView</name>
    <message>
        <source>x = mistake   ★ = the image at hand</source>
        <translation>x = 识别错误   ★ = 当前图像</translation>
    </message>
    <message>
        <source>#%1: a %2, said %3</source>
        <translation>#%1：是 %2，认成 %3</translation>
    </message>
    <message>
        <source>#%1: a %2, said: not a digit</source>
        <translation>#%1：是 %2，认成“不是数字”</translation>
    </message>
</context>
<context>
    <name>digit::ui::ErrorsPage</name>
    <message>
        <source>Mistakes</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Correct</source>
        <translation>正确</translation>
    </message>
    <message>
        <source>Show the test images the model gets wrong</source>
        <translation>显示模型识别错误的测试图像</translation>
    </message>
    <message>
        <source>Show the test images the model gets right</source>
        <translation>显示模型识别正确的测试图像</translation>
    </message>
    <message>
        <source>Any</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Most confident first</source>
        <translation>置信度从高到低</translation>
    </message>
    <message>
        <source>Least confident first</source>
        <translation>置信度从低到高</translation>
    </message>
    <message>
        <source>Test set order</source>
        <translation>测试集顺序</translation>
    </message>
    <message>
        <source>Show All</source>
        <translation>显示全部</translation>
    </message>
    <message>
        <source>Clear the digit filters</source>
        <translation>清除数字筛选</translation>
    </message>
    <message>
        <source>True digit:</source>
        <translation>真实数字：</translation>
    </message>
    <message>
        <source>Predicted:</source>
        <translation>预测：</translation>
    </message>
    <message>
        <source>Sort:</source>
        <translation>排序：</translation>
    </message>
    <message>
        <source>&lt;b&gt;Confusion matrix&lt;/b&gt; (click a cell to see its images)</source>
        <translation>&lt;b&gt;混淆矩阵&lt;/b&gt;（点击单元格查看对应图像）</translation>
    </message>
    <message>
        <source>Click an image</source>
        <translation>点击一张图像</translation>
    </message>
    <message>
        <source>Send to Canvas</source>
        <translation>发送到画板</translation>
    </message>
    <message>
        <source>Open this image on the Draw page</source>
        <translation>在“手写”页打开这张图像</translation>
    </message>
    <message>
        <source>The model could not be copied for evaluation: %1</source>
        <translation>无法复制模型进行评估：%1</translation>
    </message>
    <message>
        <source>Evaluating the model failed: %1</source>
        <translation>评估模型失败：%1</translation>
    </message>
    <message>
        <source>No test images match these filters.</source>
        <translation>没有符合筛选条件的测试图像。</translation>
    </message>
    <message>
        <source>The model gets no test image right.</source>
        <translation>模型没有识别对任何一张测试图像。</translation>
    </message>
    <message>
        <source>The model gets every test image right.</source>
        <translation>模型识别对了每一张测试图像。</translation>
    </message>
    <message>
        <source>Click an image to see the model&apos;s probabilities for it.</source>
        <translation>点击一张图像，查看模型对它给出的概率。</translation>
    </message>
    <message>
        <source>&lt;span style=&apos;color:%1&apos;&gt;correct&lt;/span&gt;</source>
        <translation>&lt;span style=&apos;color:%1&apos;&gt;正确&lt;/span&gt;</translation>
    </message>
    <message>
        <source>&lt;span style=&apos;color:%1&apos;&gt;wrong&lt;/span&gt;</source>
        <translation>&lt;span style=&apos;color:%1&apos;&gt;错误&lt;/span&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Test image #%1&lt;/b&gt;&lt;br&gt;True digit: &lt;b&gt;%2&lt;/b&gt;&lt;br&gt;Predicted: &lt;b&gt;%3&lt;/b&gt; (%4)&lt;br&gt;Confidence: %5&lt;br&gt;Its probability for %2: %6</source>
        <translation>&lt;b&gt;测试图像 #%1&lt;/b&gt;&lt;br&gt;真实数字：&lt;b&gt;%2&lt;/b&gt;&lt;br&gt;预测：&lt;b&gt;%3&lt;/b&gt;（%4）&lt;br&gt;置信度：%5&lt;br&gt;它是 %2 的概率：%6</translation>
    </message>
    <message>
        <source>Waiting for the MNIST test set to load...</source>
        <translation>正在等待 MNIST 测试集加载……</translation>
    </message>
    <message>
        <source>No model yet: open one (File &gt; Open Model) or train one on the Train page.</source>
        <translation>还没有模型：请打开一个（文件 &gt; 打开模型），或在“训练”页训练一个。</translation>
    </message>
    <message>
        <source>Checking “%1” on the %2 test images...</source>
        <translation>正在用 %2 张测试图像检验“%1”……</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; gets %2 of %3 test images right (%4) and &lt;b&gt;%5&lt;/b&gt; wrong.</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; 在 %3 张测试图像中识别对 %2 张（%4），错 &lt;b&gt;%5&lt;/b&gt; 张。</translation>
    </message>
    <message>
        <source>Test image #%1: true %2, predicted %3 (%4)</source>
        <translation>测试图像 #%1：真实 %2，预测 %3（%4）</translation>
    </message>
    <message>
        <source>Showing 1 image.</source>
        <translation>显示 1 张图像。</translation>
    </message>
    <message>
        <source>Showing %1 images.</source>
        <translation>显示 %1 张图像。</translation>
    </message>
    <message>
        <source>Under each image: the digit and the model&apos;s confidence.</source>
        <translation>每张图像下方：数字和模型的置信度。</translation>
    </message>
    <message>
        <source>Under each image: true digit → predicted digit, and the model&apos;s confidence.</source>
        <translation>每张图像下方：真实数字 → 预测数字，以及模型的置信度。</translation>
    </message>
    <message>
        <source>%1 of %2 images checked</source>
        <translation>已检查 %1 / %2 张图像</translation>
    </message>
    <message>
        <source>Look Inside</source>
        <translation>查看内部</translation>
    </message>
    <message>
        <source>See this image&apos;s way through the network on the Inside page</source>
        <translation>在“内部”页查看这张图像在网络中的传递过程</translation>
    </message>
</context>
<context>
    <name>digit::ui::InsidePage</name>
    <message>
        <source>The embedding could not be computed: %1</source>
        <translation>无法计算嵌入：%1</translation>
    </message>
    <message>
        <source>test image %1 (a %2)</source>
        <translation>测试图像 %1（数字 %2）</translation>
    </message>
    <message>
        <source>What a layer learned</source>
        <translation>一层学到了什么</translation>
    </message>
    <message>
        <source>Where it looks</source>
        <translation>它在看哪里</translation>
    </message>
    <message>
        <source>Gradient</source>
        <translation>梯度</translation>
    </message>
    <message>
        <source>How much each pixel&apos;s change would move the digit&apos;s score</source>
        <translation>每个像素的变化会使该数字的分数改变多少</translation>
    </message>
    <message>
        <source>Gradient × input</source>
        <translation>梯度 × 输入</translation>
    </message>
    <message>
        <source>The gradient where there is ink: what the ink drawn adds to the score</source>
        <translation>有笔迹处的梯度：所写的笔迹为分数贡献了多少</translation>
    </message>
    <message>
        <source>Occlusion</source>
        <translation>遮挡</translation>
    </message>
    <message>
        <source>How much the digit&apos;s probability drops when a 6x6 patch around a pixel is blanked</source>
        <translation>把像素周围 6x6 的区域涂空后，该数字的概率下降多少</translation>
    </message>
    <message>
        <source>Explain &amp;digit:</source>
        <translation>解释数字(&amp;D)：</translation>
    </message>
    <message>
        <source>predicted</source>
        <translation>预测的数字</translation>
    </message>
    <message>
        <source>The embedding of the test set</source>
        <translation>测试集的嵌入</translation>
    </message>
    <message>
        <source>Draw a digit on the Draw page, or choose a test image in Errors, to look inside the network.</source>
        <translation>在“手写”页写一个数字，或在“错误”页选一张测试图像，即可查看网络内部。</translation>
    </message>
    <message>
        <source>(off at inference: the values above)</source>
        <translation>（推理时关闭：与上一层的值相同）</translation>
    </message>
    <message>
        <source>(the values above in one row)</source>
        <translation>（上一层的值排成一行）</translation>
    </message>
    <message>
        <source>Inside the model for %1: it says %2 (%3%).</source>
        <translation>模型内部，输入为%1：它认为是 %2（%3%）。</translation>
    </message>
    <message>
        <source>Inside the model for %1: it says it is not a digit (%2%).</source>
        <translation>模型内部，输入为%1：它认为不是数字（%2%）。</translation>
    </message>
    <message>
        <source>not a digit</source>
        <translation>不是数字</translation>
    </message>
    <message>
        <source>Occlusion: the drop in p(%1)</source>
        <translation>遮挡：p(%1) 的下降</translation>
    </message>
    <message>
        <source>Gradient of the score of %1</source>
        <translation>%1 的分数的梯度</translation>
    </message>
    <message>
        <source>Gradient × input for %1</source>
        <translation>%1 的梯度 × 输入</translation>
    </message>
    <message>
        <source>Layer %1 (Dense): each unit&apos;s weights over the 28x28 input</source>
        <translation>第 %1 层（Dense）：每个单元在 28x28 输入上的权重</translation>
    </message>
    <message>
        <source>Layer %1 (Conv2D): its %2 kernels</source>
        <translation>第 %1 层（Conv2D）：它的 %2 个卷积核</translation>
    </message>
    <message>
        <source>Layer %1 (Conv2D): its %2 kernels, mean over %3 input channels</source>
        <translation>第 %1 层（Conv2D）：它的 %2 个卷积核，对 %3 个输入通道取平均</translation>
    </message>
    <message>
        <source> (the first %1)</source>
        <translation>（前 %1 个）</translation>
    </message>
    <message>
        <source>No Conv2D or Dense layer over the image to draw as tiles</source>
        <translation>没有可画成小图的、作用于图像的 Conv2D 或 Dense 层</translation>
    </message>
    <message>
        <source>Click a layer to see its weights</source>
        <translation>点击一层查看它的权重</translation>
    </message>
    <message>
        <source>Layer %1 (%2) has no weights</source>
        <translation>第 %1 层（%2）没有权重</translation>
    </message>
    <message>
        <source>Layer %1 (%2): histogram of its %3 weights</source>
        <translation>第 %1 层（%2）：其 %3 个权重的直方图</translation>
    </message>
    <message>
        <source>No model</source>
        <translation>没有模型</translation>
    </message>
    <message>
        <source>Waiting for MNIST to load...</source>
        <translation>正在等待 MNIST 加载……</translation>
    </message>
    <message>
        <source>Computing the penultimate layer of the 10,000 test images...</source>
        <translation>正在计算 10,000 张测试图像在倒数第二层的输出……</translation>
    </message>
    <message>
        <source>Layer %1, PCA to 2-D: %2 of %3 test images, %4 mistakes</source>
        <translation>第 %1 层，PCA 降到二维：%3 张测试图像中的 %2 张，%4 个错误</translation>
    </message>
    <message>
        <source>Probabilities (the softmax of the scores above)</source>
        <translation>概率（上面各分数的 softmax）</translation>
    </message>
    <message>
        <source>Layer %1, t-SNE of %2 test images: iteration %3 of %4</source>
        <translation>第 %1 层，%2 张测试图像的 t-SNE：第 %3 / %4 次迭代</translation>
    </message>
    <message>
        <source>Layer %1, t-SNE of %2 test images (the other %3 placed by their nearest neighbours), %4 mistakes</source>
        <translation>第 %1 层，%2 张测试图像的 t-SNE（其余 %3 张按最近邻放置），%4 个错误</translation>
    </message>
</context>
<context>
    <name>digit::ui::KerasCodeDialog</name>
    <message>
        <source>Save Keras Code</source>
        <translation>保存 Keras 代码</translation>
    </message>
    <message>
        <source>Python files (*.py)</source>
        <translation>Python 文件 (*.py)</translation>
    </message>
    <message>
        <source>The network and training settings of the current model, %1.</source>
        <translation>当前模型 %1 的网络与训练设置。</translation>
    </message>
    <message>
        <source>The network and training settings now on the Train page: edit them there and open this again.</source>
        <translation>训练页上当前的网络与训练设置：在那里修改后再次打开此窗口。</translation>
    </message>
    <message>
        <source>Keras Code</source>
        <translation>Keras 代码</translation>
    </message>
    <message>
        <source>Train page settings</source>
        <translation>训练页的设置</translation>
    </message>
    <message>
        <source>Current model</source>
        <translation>当前模型</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Save...</source>
        <translation>保存...</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>digit::ui::KerasInterop</name>
    <message>
        <source>&amp;Import Keras Model...</source>
        <translation>导入 Keras 模型(&amp;I)...</translation>
    </message>
    <message>
        <source>&amp;Export</source>
        <translation>导出(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Keras Model (.keras, .h5)...</source>
        <translation>Keras 模型 (.keras, .h5)(&amp;K)...</translation>
    </message>
    <message>
        <source>&amp;ONNX...</source>
        <translation>&amp;ONNX...</translation>
    </message>
    <message>
        <source>Keras &amp;Code...</source>
        <translation>Keras 代码(&amp;C)...</translation>
    </message>
    <message>
        <source>Imported %1 (%2)</source>
        <translation>已导入 %1（%2）</translation>
    </message>
    <message>
        <source>Import Keras Model</source>
        <translation>导入 Keras 模型</translation>
    </message>
    <message>
        <source>Could not import %1:
%2

The current model is still in use.</source>
        <translation>无法导入 %1：
%2

仍在使用当前模型。</translation>
    </message>
    <message>
        <source>Keras models (*.h5 *.hdf5 *.keras);;All files (*)</source>
        <translation>Keras 模型 (*.h5 *.hdf5 *.keras);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>There is no model to export yet: train one on the Train page or open one.</source>
        <translation>还没有可导出的模型：请在训练页训练一个，或打开一个。</translation>
    </message>
    <message>
        <source>Exported %1</source>
        <translation>已导出 %1</translation>
    </message>
    <message>
        <source>Export ONNX</source>
        <translation>导出 ONNX</translation>
    </message>
    <message>
        <source>ONNX models (*.onnx)</source>
        <translation>ONNX 模型 (*.onnx)</translation>
    </message>
    <message>
        <source>Export Keras Model</source>
        <translation>导出 Keras 模型</translation>
    </message>
    <message>
        <source>Keras 3 (*.keras);;Keras 2 HDF5 (*.h5)</source>
        <translation>Keras 3 (*.keras);;Keras 2 HDF5 (*.h5)</translation>
    </message>
</context>
<context>
    <name>digit::ui::LayerStrip</name>
    <message>
        <source>Draw a digit or choose a test image to look inside the network.</source>
        <translation>写一个数字或选一张测试图像，即可查看网络内部。</translation>
    </message>
    <message>
        <source>digit %1: probability %2</source>
        <translation>数字 %1：概率 %2</translation>
    </message>
    <message>
        <source>channel %1 at (%2, %3): %4</source>
        <translation>通道 %1，位置 (%2, %3)：%4</translation>
    </message>
    <message>
        <source>unit %1: %2</source>
        <translation>单元 %1：%2</translation>
    </message>
</context>
<context>
    <name>digit::ui::MainWindow</name>
    <message>
        <source>Digit Studio models (*.dsm);;All files (*)</source>
        <translation>Digit Studio 模型 (*.dsm);;所有文件 (*)</translation>
    </message>
    <message>
        <source>MNIST loaded from %1</source>
        <translation>已从 %1 加载 MNIST</translation>
    </message>
    <message>
        <source>Digit Studio</source>
        <translation>Digit Studio 数字工作室</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Draw</source>
        <translation>手写</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>Quiz</source>
        <translation>测验</translation>
    </message>
    <message>
        <source>Build a network and train it on MNIST</source>
        <translation>搭建网络并在 MNIST 上训练</translation>
    </message>
    <message>
        <source>Draw a digit and see what the model thinks</source>
        <translation>写一个数字，看看模型怎么认</translation>
    </message>
    <message>
        <source>What the model gets wrong on the test set</source>
        <translation>模型在测试集上认错了什么</translation>
    </message>
    <message>
        <source>Browse the MNIST images</source>
        <translation>浏览 MNIST 图像</translation>
    </message>
    <message>
        <source>You against the model</source>
        <translation>你和模型比一比</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open Model...</source>
        <translation>打开模型(&amp;O)……</translation>
    </message>
    <message>
        <source>&amp;Save Model</source>
        <translation>保存模型(&amp;S)</translation>
    </message>
    <message>
        <source>Save Model &amp;As...</source>
        <translation>模型另存为(&amp;A)……</translation>
    </message>
    <message>
        <source>Open &amp;Image...</source>
        <translation>打开图像(&amp;I)……</translation>
    </message>
    <message>
        <source>Choose &amp;MNIST Data...</source>
        <translation>选择 &amp;MNIST 数据……</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>System Default</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>&amp;Train</source>
        <translation>训练(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Start Training</source>
        <translation>开始训练(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Pause / Resume</source>
        <translation>暂停/继续(&amp;P)</translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation>停止(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About Digit Studio</source>
        <translation>关于 Digit Studio(&amp;A)</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>关于 &amp;Qt</translation>
    </message>
    <message>
        <source>Could not unpack the default model: %1</source>
        <translation>无法解包默认模型：%1</translation>
    </message>
    <message>
        <source>The default model could not be read: %1</source>
        <translation>无法读取默认模型：%1</translation>
    </message>
    <message>
        <source>MNIST: %1 training, %2 test images</source>
        <translation>MNIST：%1 张训练图像，%2 张测试图像</translation>
    </message>
    <message>
        <source>MNIST not loaded</source>
        <translation>未加载 MNIST</translation>
    </message>
    <message>
        <source>Use File &gt; Choose MNIST Data to point at it.</source>
        <translation>请用“文件 &gt; 选择 MNIST 数据”指定它的位置。</translation>
    </message>
    <message>
        <source>Loading MNIST...</source>
        <translation>正在加载 MNIST……</translation>
    </message>
    <message>
        <source>No model: train one or open one</source>
        <translation>没有模型：请训练或打开一个</translation>
    </message>
    <message>
        <source>Model: %1</source>
        <translation>模型：%1</translation>
    </message>
    <message>
        <source>%1% on the test set</source>
        <translation>测试集准确率 %1%</translation>
    </message>
    <message>
        <source>Open Model</source>
        <translation>打开模型</translation>
    </message>
    <message>
        <source>The current model is still in use. Choose a .dsm file saved by Digit Studio or digit-cli.</source>
        <translation>当前模型仍在使用。请选择由 Digit Studio 或 digit-cli 保存的 .dsm 文件。</translation>
    </message>
    <message>
        <source>Opened %1</source>
        <translation>已打开 %1</translation>
    </message>
    <message>
        <source>Save Model</source>
        <translation>保存模型</translation>
    </message>
    <message>
        <source>There is no model to save yet: train one on the Train page or open one.</source>
        <translation>还没有可保存的模型：请在“训练”页训练一个，或打开一个。</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <source>Choose the folder with the four MNIST IDX files</source>
        <translation>选择包含四个 MNIST IDX 文件的文件夹</translation>
    </message>
    <message>
        <source>About Digit Studio</source>
        <translation>关于 Digit Studio</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Digit Studio %1&lt;/h3&gt;&lt;p&gt;Train neural networks on the MNIST handwritten digits, watch them learn, draw digits for them to read, see what they get wrong, and play against them.&lt;/p&gt;&lt;p&gt;The networks are trained by the app&apos;s own C++ and Eigen core; the presets reproduce the classic Keras MNIST tutorials.&lt;/p&gt;&lt;p&gt;Built with Qt %2.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Digit Studio %1&lt;/h3&gt;&lt;p&gt;在 MNIST 手写数字上训练神经网络，观察它们如何学习，写数字让它们识别，查看它们认错的地方，还可以和它们比赛。&lt;/p&gt;&lt;p&gt;网络由本应用自带的 C++ 与 Eigen 核心训练；预设复现了经典的 Keras MNIST 教程。&lt;/p&gt;&lt;p&gt;基于 Qt %2 构建。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Quit Digit Studio</source>
        <translation>退出 Digit Studio</translation>
    </message>
    <message>
        <source>A training run is still going. Quit anyway? The run stops and its model is lost.</source>
        <translation>训练仍在进行。确定要退出吗？训练会停止，其模型将丢失。</translation>
    </message>
    <message>
        <source>Could not create the folder %1</source>
        <translation>无法创建文件夹 %1</translation>
    </message>
    <message>
        <source>Could not write %1</source>
        <translation>无法写入 %1</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>&amp;Models</source>
        <translation>模型(&amp;M)</translation>
    </message>
    <message>
        <source>The Chinese translation is missing from this build.</source>
        <translation>此版本缺少中文翻译。</translation>
    </message>
    <message>
        <source>Choose the model that predicts</source>
        <translation>选择用于预测的模型</translation>
    </message>
    <message>
        <source>Click to choose the model that predicts</source>
        <translation>点击选择用于预测的模型</translation>
    </message>
    <message numerus="yes">
        <source>&lt;p&gt;%n model(s) trained in this session are not saved:&lt;/p&gt;&lt;ul&gt;%1&lt;/ul&gt;&lt;p&gt;Save them before quitting?&lt;/p&gt;</source>
        <translation>
            <numerusform>&lt;p&gt;本次会话训练的 %n 个模型尚未保存：&lt;/p&gt;&lt;ul&gt;%1&lt;/ul&gt;&lt;p&gt;退出前保存吗？&lt;/p&gt;</numerusform>
        </translation>
    </message>
    <message>
        <source>(nothing to export on this page)</source>
        <translation>（本页没有可导出的内容）</translation>
    </message>
    <message>
        <source>Export %1</source>
        <translation>导出%1</translation>
    </message>
    <message>
        <source>PNG picture (*.png);;SVG drawing (*.svg)</source>
        <translation>PNG 图片 (*.png);;SVG 矢量图 (*.svg)</translation>
    </message>
    <message>
        <source>Export View</source>
        <translation>导出视图</translation>
    </message>
    <message>
        <source>Inside</source>
        <translation>内部</translation>
    </message>
    <message>
        <source>Look inside the network: layers, weights, saliency, embedding</source>
        <translation>查看网络内部：各层输出、权重、显著图、嵌入</translation>
    </message>
    <message>
        <source>&amp;Export View as PNG or SVG</source>
        <translation>将视图导出为 PNG 或 SVG(&amp;E)</translation>
    </message>
    <message>
        <source>Export &amp;Report...</source>
        <translation>导出报告(&amp;R)……</translation>
    </message>
    <message>
        <source>your drawing</source>
        <translation>你写的数字</translation>
    </message>
    <message>
        <source>There is no model to report on yet: train one on the Train page or open one.</source>
        <translation>还没有可以报告的模型：请在“训练”页训练一个，或打开一个。</translation>
    </message>
    <message>
        <source>Export Report</source>
        <translation>导出报告</translation>
    </message>
    <message>
        <source>PDF documents (*.pdf)</source>
        <translation>PDF 文档 (*.pdf)</translation>
    </message>
    <message>
        <source>MNIST is not loaded: the report has no test figures.</source>
        <translation>MNIST 没有加载：报告中没有测试结果。</translation>
    </message>
    <message numerus="yes">
        <source>Saved %1 (%n page(s))</source>
        <translation>
            <numerusform>已保存 %1（%n 页）</numerusform>
        </translation>
    </message>
    <message>
        <source>Writing the report to %1 (the model runs over the test set)...</source>
        <translation>正在把报告写入 %1（模型正在测试集上运行）……</translation>
    </message>
</context>
<context>
    <name>digit::ui::ModelLibrary</name>
    <message>
        <source>%1 (at byte %2): %3</source>
        <translation>%1（第 %2 字节）：%3</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>%1: the file does not exist</source>
        <translation>%1：文件不存在</translation>
    </message>
    <message>
        <source>default</source>
        <translation>默认</translation>
    </message>
    <message>
        <source>The model you last used could not be opened (%1); the bundled model predicts instead.</source>
        <translation>上次使用的模型无法打开（%1）；改用内置模型预测。</translation>
    </message>
    <message>
        <source>untitled</source>
        <translation>未命名</translation>
    </message>
    <message>
        <source>There is no model to save.</source>
        <translation>没有可保存的模型。</translation>
    </message>
    <message>
        <source>Could not save the model to %1</source>
        <translation>无法保存模型到 %1</translation>
    </message>
    <message>
        <source>%1%</source>
        <translation>%1%</translation>
    </message>
    <message>
        <source>bundled</source>
        <translation>内置</translation>
    </message>
    <message>
        <source>cannot be read</source>
        <translation>无法读取</translation>
    </message>
    <message>
        <source>file missing</source>
        <translation>文件丢失</translation>
    </message>
    <message>
        <source>this session, not saved</source>
        <translation>本次会话，未保存</translation>
    </message>
    <message>
        <source>this session</source>
        <translation>本次会话</translation>
    </message>
    <message>
        <source>The model that comes with Digit Studio. It is always here.</source>
        <translation>Digit Studio 自带的模型，始终可用。</translation>
    </message>
    <message>
        <source>Trained in this session; not saved yet (File &gt; Save Model As).</source>
        <translation>在本次会话中训练；尚未保存（文件 &gt; 模型另存为）。</translation>
    </message>
    <message numerus="yes">
        <source>Trained for %n epoch(s)</source>
        <translation>
            <numerusform>训练了 %n 轮</numerusform>
        </translation>
    </message>
    <message>
        <source>this is not a Digit Studio model</source>
        <translation>这不是 Digit Studio 模型</translation>
    </message>
    <message>
        <source>the file is cut short (truncated)</source>
        <translation>文件不完整（被截断）</translation>
    </message>
    <message>
        <source>a newer version of Digit Studio made it (model format %1; this one reads up to %2)</source>
        <translation>它由更新版本的 Digit Studio 生成（模型格式 %1；本版本最多读取 %2）</translation>
    </message>
    <message>
        <source>the checksum does not match: the file is damaged</source>
        <translation>校验和不匹配：文件已损坏</translation>
    </message>
</context>
<context>
    <name>digit::ui::ModelMenu</name>
    <message>
        <source>This model cannot be used: %1</source>
        <translation>无法使用此模型：%1</translation>
    </message>
    <message>
        <source>Save “%1”...</source>
        <translation>保存“%1”...</translation>
    </message>
    <message>
        <source>Forget</source>
        <translation>移出列表</translation>
    </message>
    <message>
        <source>Remove a model from this list; its file stays on disk</source>
        <translation>把模型从列表中移除；文件仍保留在磁盘上</translation>
    </message>
    <message>
        <source>Use Each Finished Run at Once</source>
        <translation>训练完成后立即使用</translation>
    </message>
    <message>
        <source>Off: a finished training run waits until you choose it. On: it predicts as soon as it ends.</source>
        <translation>关闭：训练完成的模型要等你选择后才用于预测。开启：训练一结束就用于预测。</translation>
    </message>
</context>
<context>
    <name>digit::ui::ModelPicker</name>
    <message>
        <source>This model cannot be used: %1</source>
        <translation>无法使用此模型：%1</translation>
    </message>
    <message>
        <source>No model</source>
        <translation>没有模型</translation>
    </message>
    <message>
        <source>The model that predicts: %1</source>
        <translation>用于预测的模型：%1</translation>
    </message>
    <message>
        <source>The model that predicts</source>
        <translation>用于预测的模型</translation>
    </message>
    <message>
        <source>Save Model</source>
        <translation>保存模型</translation>
    </message>
    <message>
        <source>Digit Studio models (*.dsm);;All files (*)</source>
        <translation>Digit Studio 模型 (*.dsm);;所有文件 (*)</translation>
    </message>
</context>
<context>
    <name>digit::ui::NetworkEditor</name>
    <message>
        <source>&amp;Input:</source>
        <translation>输入(&amp;I)：</translation>
    </message>
    <message>
        <source>784 values (flat, for Dense networks)</source>
        <translation>784 个值（展平，用于 Dense 网络）</translation>
    </message>
    <message>
        <source>28×28×1 image (for Conv2D networks)</source>
        <translation>28×28×1 图像（用于 Conv2D 网络）</translation>
    </message>
    <message>
        <source>&amp;Layers (first to last):</source>
        <translation>层（从第一层到最后一层）(&amp;L)：</translation>
    </message>
    <message>
        <source>Add layer</source>
        <translation>添加层</translation>
    </message>
    <message>
        <source>Add a layer after the selected one</source>
        <translation>在选中的层之后添加一层</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Move up</source>
        <translation>上移</translation>
    </message>
    <message>
        <source>Move down</source>
        <translation>下移</translation>
    </message>
    <message>
        <source>Activation:</source>
        <translation>激活函数：</translation>
    </message>
    <message>
        <source>Kernel size:</source>
        <translation>卷积核大小：</translation>
    </message>
    <message>
        <source>Stride:</source>
        <translation>步长：</translation>
    </message>
    <message>
        <source>pool size</source>
        <translation>同池化大小</translation>
    </message>
    <message>
        <source>Padding:</source>
        <translation>填充：</translation>
    </message>
    <message>
        <source>Pool size:</source>
        <translation>池化大小：</translation>
    </message>
    <message>
        <source>Dropout rate:</source>
        <translation>Dropout 比例：</translation>
    </message>
    <message>
        <source>L2 factor:</source>
        <translation>L2 系数：</translation>
    </message>
    <message>
        <source>Kernel L2 regularisation, as Keras&apos;s kernel_regularizer=l2(factor); 0 = off</source>
        <translation>卷积核/权重的 L2 正则化，同 Keras 的 kernel_regularizer=l2(factor)；0 = 关闭</translation>
    </message>
    <message numerus="yes">
        <source>%n unit(s)</source>
        <translation>
            <numerusform>%n 个单元</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n filter(s)</source>
        <translation>
            <numerusform>%n 个滤波器</numerusform>
        </translation>
    </message>
    <message>
        <source>stride %1</source>
        <translation>步长 %1</translation>
    </message>
    <message>
        <source>Layer %1: %2</source>
        <translation>第 %1 层：%2</translation>
    </message>
    <message>
        <source>Filters:</source>
        <translation>滤波器数：</translation>
    </message>
    <message>
        <source>Units:</source>
        <translation>单元数：</translation>
    </message>
</context>
<context>
    <name>digit::ui::ProbabilityBars</name>
    <message>
        <source>The probability the model gives each digit</source>
        <translation>模型给每个数字的概率</translation>
    </message>
</context>
<context>
    <name>digit::ui::QuizPage</name>
    <message>
        <source> images</source>
        <translation> 张图像</translation>
    </message>
    <message>
        <source>Round of</source>
        <translation>每轮</translation>
    </message>
    <message>
        <source>Start Round</source>
        <translation>开始一轮</translation>
    </message>
    <message>
        <source>Can you read handwritten digits better than the model? You see random images from the MNIST test set; type the digit (0-9) or click it. Press A or ? when an image is too ambiguous to call: some MNIST labels are themselves doubtful. The model answers the same images.</source>
        <translation>你认手写数字能比模型更准吗？你会看到 MNIST 测试集中的随机图像；输入数字（0-9）或点击它。如果图像太模糊无法判断，按 A 或 ?：有些 MNIST 标签本身就值得怀疑。模型回答同样的图像。</translation>
    </message>
    <message>
        <source>Human vs model</source>
        <translation>人机对决</translation>
    </message>
    <message>
        <source>Answer %1 (key %1)</source>
        <translation>回答 %1（按键 %1）</translation>
    </message>
    <message>
        <source>Ambiguous</source>
        <translation>无法判断</translation>
    </message>
    <message>
        <source>The image could be more than one digit (key A or ?)</source>
        <translation>这张图像可能是不止一个数字（按键 A 或 ?）</translation>
    </message>
    <message>
        <source>Keys: 0-9 to answer, A or ? for ambiguous.</source>
        <translation>按键：0-9 作答，A 或 ? 表示无法判断。</translation>
    </message>
    <message>
        <source>End Round</source>
        <translation>结束本轮</translation>
    </message>
    <message>
        <source>End the round now; the images answered so far count</source>
        <translation>现在结束本轮；已回答的图像计入成绩</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>Last image</source>
        <translation>上一张图像</translation>
    </message>
    <message>
        <source>You and the model agreed on every image.</source>
        <translation>你和模型对每张图像的回答都一致。</translation>
    </message>
    <message>
        <source>New Round</source>
        <translation>新一轮</translation>
    </message>
    <message>
        <source>Start another round (Enter)</source>
        <translation>开始新一轮（Enter）</translation>
    </message>
    <message>
        <source>Round over</source>
        <translation>本轮结束</translation>
    </message>
    <message>
        <source>Where you and the model disagreed</source>
        <translation>你和模型回答不一致的图像</translation>
    </message>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>图像数</translation>
    </message>
    <message>
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Past rounds</source>
        <translation>历史轮次</translation>
    </message>
    <message>
        <source>The MNIST test set is not loaded yet.</source>
        <translation>MNIST 测试集尚未加载。</translation>
    </message>
    <message>
        <source>The model could not answer: %1</source>
        <translation>模型无法作答：%1</translation>
    </message>
    <message>
        <source>Which digit is this?</source>
        <translation>这是哪个数字？</translation>
    </message>
    <message>
        <source>You said ambiguous.</source>
        <translation>你回答“无法判断”。</translation>
    </message>
    <message>
        <source>You said %1 %2</source>
        <translation>你回答 %1 %2</translation>
    </message>
    <message>
        <source>No model answered.</source>
        <translation>没有模型作答。</translation>
    </message>
    <message>
        <source>The model said %1 %2</source>
        <translation>模型回答 %1 %2</translation>
    </message>
    <message>
        <source>Labelled &lt;b&gt;%1&lt;/b&gt; (test image #%2).&lt;br&gt;%3&lt;br&gt;%4</source>
        <translation>标签为 &lt;b&gt;%1&lt;/b&gt;（测试图像 #%2）。&lt;br&gt;%3&lt;br&gt;%4</translation>
    </message>
    <message>
        <source>%1 / %2 (%3%)</source>
        <translation>%1 / %2（%3%）</translation>
    </message>
    <message>
        <source>Image %1 of %2</source>
        <translation>第 %1 张，共 %2 张</translation>
    </message>
    <message>
        <source>&lt;b&gt;You:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;你：&lt;/b&gt;%1</translation>
    </message>
    <message>
        <source>&lt;b&gt;Model:&lt;/b&gt; no model</source>
        <translation>&lt;b&gt;模型：&lt;/b&gt;没有模型</translation>
    </message>
    <message>
        <source>&lt;b&gt;Model:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;模型：&lt;/b&gt;%1</translation>
    </message>
    <message>
        <source>You: &lt;b&gt;%1&lt;/b&gt; &amp;nbsp;&amp;nbsp; Model%2: &lt;b&gt;%3&lt;/b&gt;</source>
        <translation>你：&lt;b&gt;%1&lt;/b&gt; &amp;nbsp;&amp;nbsp; 模型%2：&lt;b&gt;%3&lt;/b&gt;</translation>
    </message>
    <message>
        <source>no model</source>
        <translation>没有模型</translation>
    </message>
    <message>
        <source>label %1
you %2, model %3</source>
        <translation>标签 %1
你 %2，模型 %3</translation>
    </message>
    <message>
        <source>%1 of %2 right</source>
        <translation>%2 张中答对 %1 张</translation>
    </message>
    <message>
        <source>Images you call ambiguous are left out of both scores: each score is right answers out of the images you answered with a digit.</source>
        <translation>你判为“模糊”的图像不计入双方得分：得分 = 答对数 / 你用数字作答的图像数。</translation>
    </message>
    <message>
        <source>%1 called ambiguous (not scored)</source>
        <translation>%1 张判为模糊（不计分）</translation>
    </message>
    <message>
        <source>Model: %1</source>
        <translation>模型：%1</translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) you called ambiguous are not scored, for you or the model.</source>
        <translation>
            <numerusform>你判为模糊的 %n 张图像不计入你和模型的得分。</numerusform>
        </translation>
    </message>
    <message>
        <source>No model to play against yet: open or train one.</source>
        <translation>还没有可对战的模型：请打开或训练一个。</translation>
    </message>
    <message>
        <source>You play against &lt;b&gt;%1&lt;/b&gt;, the model in use (Models menu to change it).</source>
        <translation>你的对手是当前使用的模型 &lt;b&gt;%1&lt;/b&gt;（可在“模型”菜单中更换）。</translation>
    </message>
    <message>
        <source>Model in this round: %1</source>
        <translation>本轮模型：%1</translation>
    </message>
    <message>
        <source>Test image #%1</source>
        <translation>测试图像 #%1</translation>
    </message>
</context>
<context>
    <name>digit::ui::SaliencyView</name>
    <message>
        <source>pixel (%1, %2): %3</source>
        <translation>像素 (%1, %2)：%3</translation>
    </message>
    <message>
        <source>red: for the digit, blue: against it</source>
        <translation>红色：支持该数字，蓝色：反对</translation>
    </message>
</context>
<context>
    <name>digit::ui::Session</name>
    <message>
        <source>MNIST was not found. Run scripts/setup.sh, or point the app at a folder with the four IDX files or at Keras&apos;s mnist.npz.</source>
        <translation>找不到 MNIST。请运行 scripts/setup.sh，或为应用指定包含四个 IDX 文件的文件夹或 Keras 的 mnist.npz。</translation>
    </message>
    <message>
        <source>Could not load MNIST: %1</source>
        <translation>无法加载 MNIST：%1</translation>
    </message>
    <message>
        <source>MNIST was not found. Run scripts/setup.sh, or choose a folder with the four IDX files or Keras&apos;s mnist.npz.</source>
        <translation>找不到 MNIST。请运行 scripts/setup.sh，或选择包含四个 IDX 文件的文件夹或 Keras 的 mnist.npz。</translation>
    </message>
    <message>
        <source>untitled</source>
        <translation>未命名</translation>
    </message>
    <message>
        <source>There is no model to save.</source>
        <translation>没有可保存的模型。</translation>
    </message>
    <message>
        <source>Could not open the model %1</source>
        <translation>无法打开模型 %1</translation>
    </message>
</context>
<context>
    <name>digit::ui::TrainPage</name>
    <message>
        <source>&amp;Preset:</source>
        <translation>预设(&amp;P)：</translation>
    </message>
    <message>
        <source>Custom network</source>
        <translation>自定义网络</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>网络</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>&amp;Start</source>
        <translation>开始(&amp;S)</translation>
    </message>
    <message>
        <source>Check the set-up and start training (Ctrl+Return)</source>
        <translation>检查设置并开始训练（Ctrl+Return）</translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation>停止(&amp;T)</translation>
    </message>
    <message>
        <source>Stop after the current batch and keep the model trained so far</source>
        <translation>在当前批次后停止，并保留目前训练好的模型</translation>
    </message>
    <message>
        <source>Show earlier runs of this session (grey)</source>
        <translation>显示本次会话之前的训练（灰色）</translation>
    </message>
    <message>
        <source>Model summary</source>
        <translation>模型概要</translation>
    </message>
    <message>
        <source>Runs of this session</source>
        <translation>本次会话的训练</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Validation</source>
        <translation>验证</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>测试</translation>
    </message>
    <message>
        <source>&amp;Use for predictions</source>
        <translation>用于预测(&amp;U)</translation>
    </message>
    <message>
        <source>Make this run&apos;s model the one the Draw, Errors and Quiz pages use</source>
        <translation>让“手写”“错误”和“测验”页使用这次训练的模型</translation>
    </message>
    <message>
        <source>Save &amp;as...</source>
        <translation>另存为(&amp;A)……</translation>
    </message>
    <message>
        <source>%1. The tutorial reports %2 test accuracy.</source>
        <translation>%1。教程报告的测试准确率为 %2。</translation>
    </message>
    <message>
        <source>Your own network: edit the layers and the training settings below.</source>
        <translation>你自己的网络：在下方编辑各层和训练设置。</translation>
    </message>
    <message>
        <source>custom</source>
        <translation>自定义</translation>
    </message>
    <message>
        <source>This network cannot be built:
%1</source>
        <translation>无法构建这个网络：
%1</translation>
    </message>
    <message>
        <source>This set-up cannot train yet:</source>
        <translation>这个设置还不能训练：</translation>
    </message>
    <message>
        <source>Training did not start:</source>
        <translation>训练没有开始：</translation>
    </message>
    <message>
        <source>Training did not start: %1</source>
        <translation>训练没有开始：%1</translation>
    </message>
    <message>
        <source>Training %1...</source>
        <translation>正在训练 %1……</translation>
    </message>
    <message>
        <source>Training paused</source>
        <translation>训练已暂停</translation>
    </message>
    <message>
        <source>Training resumed</source>
        <translation>训练已继续</translation>
    </message>
    <message>
        <source>Stopping after this batch...</source>
        <translation>将在本批次后停止……</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>继续(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>暂停(&amp;P)</translation>
    </message>
    <message numerus="yes">
        <source>Training %1 on %2 images for %n epoch(s)</source>
        <translation>
            <numerusform>正在用 %2 张图像训练 %1，共 %n 轮</numerusform>
        </translation>
    </message>
    <message>
        <source>epoch %1 of %2</source>
        <translation>第 %1 / %2 轮</translation>
    </message>
    <message>
        <source>ETA %1</source>
        <translation>剩余 %1</translation>
    </message>
    <message>
        <source>%1 samples/s</source>
        <translation>%1 样本/秒</translation>
    </message>
    <message>
        <source>Epoch %1/%2: loss %3 · accuracy %4</source>
        <translation>第 %1/%2 轮：loss %3 · 准确率 %4</translation>
    </message>
    <message>
        <source>val_loss %1 · val_accuracy %2</source>
        <translation>val_loss %1 · val_accuracy %2</translation>
    </message>
    <message>
        <source>%1 s, %2 samples/s</source>
        <translation>%1 秒，%2 样本/秒</translation>
    </message>
    <message>
        <source>Paused: the optimiser keeps its state; Resume continues where it stopped.</source>
        <translation>已暂停：优化器保留其状态；点击“继续”将从暂停处接着训练。</translation>
    </message>
    <message>
        <source>Evaluating on the 10,000 test images...</source>
        <translation>正在用 10,000 张测试图像评估……</translation>
    </message>
    <message>
        <source>%1 in total</source>
        <translation>共用时 %1</translation>
    </message>
    <message numerus="yes">
        <source>finished all %n epoch(s)</source>
        <translation>
            <numerusform>完成全部 %n 轮</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>stopped early after %n epoch(s): the monitored figure stopped improving</source>
        <translation>
            <numerusform>在第 %n 轮后提前停止：监控的指标不再改善</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>stopped by you after %n full epoch(s)</source>
        <translation>
            <numerusform>已由你停止，完成了 %n 个完整轮次</numerusform>
        </translation>
    </message>
    <message>
        <source>Test accuracy %1 · test loss %2 (%3 test images)</source>
        <translation>测试准确率 %1 · 测试 loss %2（%3 张测试图像）</translation>
    </message>
    <message>
        <source>&lt;b&gt;Training diverged&lt;/b&gt;: %1.&lt;br&gt;The weights of the last good epoch were kept, but this run&apos;s model is not used for predictions. Try a smaller learning rate, e.g. %2.</source>
        <translation>&lt;b&gt;训练发散了&lt;/b&gt;：%1。&lt;br&gt;已保留最后一个正常轮次的权重，但这次训练的模型不会用于预测。请尝试更小的学习率，例如 %2。</translation>
    </message>
    <message>
        <source>Training diverged: try a smaller learning rate</source>
        <translation>训练发散：请尝试更小的学习率</translation>
    </message>
    <message>
        <source>The tutorial reports %1 with the full data set and all epochs.</source>
        <translation>教程在完整数据集、全部轮次下报告的准确率为 %1。</translation>
    </message>
    <message>
        <source>%1 trained: %2</source>
        <translation>%1 训练完成：%2</translation>
    </message>
    <message>
        <source>Training failed.</source>
        <translation>训练失败。</translation>
    </message>
    <message>
        <source>Training failed</source>
        <translation>训练失败</translation>
    </message>
    <message>
        <source>%1 (diverged)</source>
        <translation>%1（发散）</translation>
    </message>
    <message>
        <source>Not saved</source>
        <translation>未保存</translation>
    </message>
    <message>
        <source>%1 now predicts on the other pages</source>
        <translation>其他页面现在用 %1 来预测</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;: %2. %3.</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;：%2。%3。</translation>
    </message>
    <message numerus="yes">
        <source>%n epoch(s) in %1</source>
        <translation>
            <numerusform>%n 轮，用时 %1</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>1 dense layer</source>
        <translation>1 个全连接层</translation>
    </message>
    <message>
        <source>%1 dense layers</source>
        <translation>%1 个全连接层</translation>
    </message>
    <message>
        <source>%1 conv + %2 dense layers</source>
        <translation>%1 个卷积层 + %2 个全连接层</translation>
    </message>
    <message>
        <source>%1 s/epoch</source>
        <translation>每轮 %1 秒</translation>
    </message>
    <message>
        <source>Use This Model</source>
        <translation>使用此模型</translation>
    </message>
    <message>
        <source>Let this run predict on the Draw, Errors and Quiz pages</source>
        <translation>让本次训练的模型在“手写”“错误”“测验”页进行预测</translation>
    </message>
    <message>
        <source>Here: %1 with the default seed</source>
        <translation>本程序：默认种子下 %1</translation>
    </message>
    <message>
        <source>, about %1 s per epoch on a 2-core PC</source>
        <translation>，双核电脑上每轮约 %1 秒</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>It now predicts on the other pages (Models &gt; Use Each Finished Run at Once).</source>
        <translation>它现在用于其他页面的预测（模型 &gt; 训练完成后立即使用）。</translation>
    </message>
    <message>
        <source>The model in use stays until you choose this one; it is in the Models menu, not saved yet.</source>
        <translation>在你选择它之前，当前模型保持不变；它在“模型”菜单中，尚未保存。</translation>
    </message>
    <message>
        <source>Predicts on the other pages now</source>
        <translation>当前用于其他页面的预测</translation>
    </message>
    <message numerus="yes">
        <source>stopped by you in epoch %1 at batch %2 of %3, after %n full epoch(s)</source>
        <translation>
            <numerusform>由你在第 %1 轮第 %2 / %3 批时停止，已完成 %n 个完整轮次</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;History as CSV...</source>
        <translation>导出历史为 CSV(&amp;H)……</translation>
    </message>
    <message>
        <source>Export the loss and accuracy of every batch and epoch of the selected run</source>
        <translation>导出所选训练每个批次和每轮的损失与准确率</translation>
    </message>
    <message>
        <source>Could not write the history to %1: %2</source>
        <translation>无法把历史写入 %1：%2</translation>
    </message>
    <message>
        <source>Export History</source>
        <translation>导出历史</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Current model</source>
        <translation>当前模型</translation>
    </message>
    <message>
        <source>Take the network and training settings of the model in use (for example one imported from Keras) to train it further</source>
        <translation>取用正在使用的模型（例如从 Keras 导入的模型）的网络与训练设置，继续训练它</translation>
    </message>
    <message>
        <source>Start from the current model&apos;s weights</source>
        <translation>从当前模型的权重开始</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>概要</translation>
    </message>
    <message>
        <source>First layer, live</source>
        <translation>第一层（实时）</translation>
    </message>
    <message>
        <source>The first layer&apos;s weights, updated a few times a second while a run trains: for a Dense layer each unit&apos;s weights over the 28x28 image, for a Conv2D its kernels (red &gt; 0 &gt; blue)</source>
        <translation>第一层的权重，训练时每秒更新几次：Dense 层显示每个单元在 28x28 图像上的权重，Conv2D 层显示它的卷积核（红 &gt; 0 &gt; 蓝）</translation>
    </message>
    <message>
        <source>Start a run to watch the first layer&apos;s weights form.</source>
        <translation>开始一次训练，观看第一层的权重如何形成。</translation>
    </message>
    <message>
        <source>Layer %1 (%2), epoch %3, batch %4</source>
        <translation>第 %1 层（%2），第 %3 轮，第 %4 批</translation>
    </message>
    <message>
        <source>: %1 of %2 units</source>
        <translation>：%2 个单元中的 %1 个</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
</context>
<context>
    <name>digit::ui::TrainingChart</name>
    <message>
        <source>Loss</source>
        <translation>Loss（损失）</translation>
    </message>
    <message>
        <source>Accuracy (%)</source>
        <translation>准确率（%）</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>轮次</translation>
    </message>
    <message>
        <source>training (per batch, smoothed)</source>
        <translation>训练（每批次，平滑）</translation>
    </message>
    <message>
        <source>validation</source>
        <translation>验证</translation>
    </message>
    <message>
        <source>earlier runs</source>
        <translation>之前的训练</translation>
    </message>
    <message>
        <source>tutorial&apos;s test accuracy</source>
        <translation>教程的测试准确率</translation>
    </message>
    <message>
        <source>training (epoch mean)</source>
        <translation>训练（每轮平均）</translation>
    </message>
</context>
<context>
    <name>digit::ui::TrainingConfigEditor</name>
    <message>
        <source>Optimiser</source>
        <translation>优化器</translation>
    </message>
    <message>
        <source>&amp;Optimiser:</source>
        <translation>优化器(&amp;O)：</translation>
    </message>
    <message>
        <source>&amp;Learning rate:</source>
        <translation>学习率(&amp;L)：</translation>
    </message>
    <message>
        <source>Type a number such as 0.001 or 1e-3; the arrows step through 1, 2, 5 × 10ⁿ</source>
        <translation>输入如 0.001 或 1e-3 的数；箭头按 1、2、5 × 10ⁿ 递进</translation>
    </message>
    <message>
        <source>Momentum:</source>
        <translation>动量：</translation>
    </message>
    <message>
        <source>Nesterov momentum</source>
        <translation>Nesterov 动量</translation>
    </message>
    <message>
        <source>Decay:</source>
        <translation>衰减：</translation>
    </message>
    <message>
        <source>Keras&apos;s legacy decay: learning rate / (1 + decay × iterations); 0 = constant</source>
        <translation>Keras 旧版衰减：学习率 / (1 + 衰减 × 迭代次数)；0 = 不变</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Lo&amp;ss:</source>
        <translation>损失函数(&amp;S)：</translation>
    </message>
    <message>
        <source>&amp;Batch size:</source>
        <translation>批次大小(&amp;B)：</translation>
    </message>
    <message>
        <source>&amp;Epochs:</source>
        <translation>轮数(&amp;E)：</translation>
    </message>
    <message>
        <source>&amp;Validation split:</source>
        <translation>验证集比例(&amp;V)：</translation>
    </message>
    <message>
        <source>The last fraction of the training images is held out for validation, as in Keras</source>
        <translation>与 Keras 相同，取训练图像的最后一部分留作验证</translation>
    </message>
    <message>
        <source>See&amp;d:</source>
        <translation>随机种子(&amp;D)：</translation>
    </message>
    <message>
        <source>The same seed and settings give the same run</source>
        <translation>相同的种子和设置会得到相同的训练结果</translation>
    </message>
    <message>
        <source>Only the first</source>
        <translation>只用前</translation>
    </message>
    <message>
        <source> training images</source>
        <translation> 张训练图像</translation>
    </message>
    <message>
        <source>For quick experiments: train on fewer images</source>
        <translation>用于快速实验：用更少的图像训练</translation>
    </message>
    <message>
        <source>Early stopping</source>
        <translation>提前停止</translation>
    </message>
    <message>
        <source>Monitor:</source>
        <translation>监控指标：</translation>
    </message>
    <message>
        <source>Patience (epochs):</source>
        <translation>耐心（轮）：</translation>
    </message>
    <message>
        <source>Minimum change:</source>
        <translation>最小变化：</translation>
    </message>
    <message>
        <source>Restore the best weights</source>
        <translation>恢复最佳权重</translation>
    </message>
    <message>
        <source>Tick when the last layer outputs raw scores (a linear activation)</source>
        <translation>最后一层输出原始分数（线性激活）时勾选</translation>
    </message>
    <message>
        <source>Augment the images</source>
        <translation>数据增强</translation>
    </message>
    <message>
        <source>Shift, rotate, rescale and thicken or thin each training image at random, every epoch</source>
        <translation>每轮对每张训练图像随机平移、旋转、缩放，并加粗或变细笔画</translation>
    </message>
    <message>
        <source>Non-digits</source>
        <translation>非数字</translation>
    </message>
    <message>
        <source>Add generated letters, scribbles, shapes, blobs, noise and empty pictures to every epoch as an 11th class, &quot;not a digit&quot; (the last Dense layer needs 11 units)</source>
        <translation>每轮加入生成的字母、涂鸦、图形、斑点、噪声和空白图像，作为第 11 类“不是数字”（最后一个 Dense 层需要 11 个单元）</translation>
    </message>
</context>
<context>
    <name>digit::ui::TrainingWorker</name>
    <message>
        <source>Training failed with an unknown error.</source>
        <translation>训练因未知错误而失败。</translation>
    </message>
    <message>
        <source>The MNIST data is not loaded yet: wait for it (see the status bar) or set it up first.</source>
        <translation>MNIST 数据尚未加载：请等待（见状态栏），或先完成设置。</translation>
    </message>
    <message>
        <source>The network has no layers: pick a preset or add layers.</source>
        <translation>网络没有任何层：请选择一个预设或添加层。</translation>
    </message>
    <message>
        <source>Layer %1 (%2)</source>
        <translation>第 %1 层（%2）</translation>
    </message>
    <message>
        <source>%1 works on images, but its input is flat: choose the 28×28×1 input and put convolution and pooling layers before Flatten.</source>
        <translation>%1 作用于图像，但它的输入是展平的：请选择 28×28×1 输入，并把卷积层和池化层放在 Flatten 之前。</translation>
    </message>
    <message>
        <source>%1 comes after image layers: add a Flatten layer before it.</source>
        <translation>%1 位于图像层之后：请在它前面添加一个 Flatten 层。</translation>
    </message>
    <message>
        <source>The network must end with a Dense layer of 10 units, one per digit.</source>
        <translation>网络必须以一个 10 单元的 Dense 层结尾，每个数字一个单元。</translation>
    </message>
    <message>
        <source>The last Dense layer has %1 units; it needs 10, one per digit.</source>
        <translation>最后一个 Dense 层有 %1 个单元；它需要 10 个，每个数字一个。</translation>
    </message>
    <message>
        <source>The share of not-a-digit images must be from 0 to 10.</source>
        <translation>“不是数字”图像的比例必须在 0 到 10 之间。</translation>
    </message>
    <message>
        <source>Training with not-a-digit images needs a last Dense layer of 11 units (10 digits and &quot;not a digit&quot;); it has %1.</source>
        <translation>用“不是数字”图像训练需要最后一个 Dense 层有 11 个单元（10 个数字加“不是数字”）；它有 %1 个。</translation>
    </message>
    <message>
        <source>The last layer already applies softmax: turn off from_logits.</source>
        <translation>最后一层已经使用 softmax：请关闭 from_logits。</translation>
    </message>
    <message>
        <source>The last layer is linear (it outputs raw scores): turn on from_logits, or give it a softmax activation.</source>
        <translation>最后一层是线性的（输出原始分数）：请打开 from_logits，或给它 softmax 激活。</translation>
    </message>
    <message>
        <source>The learning rate must be greater than 0 (Adam&apos;s default is 0.001, SGD&apos;s 0.01).</source>
        <translation>学习率必须大于 0（Adam 默认 0.001，SGD 默认 0.01）。</translation>
    </message>
    <message>
        <source>Momentum must be at least 0 and below 1.</source>
        <translation>动量必须不小于 0 且小于 1。</translation>
    </message>
    <message>
        <source>Adam&apos;s beta_1 and beta_2 must be at least 0 and below 1.</source>
        <translation>Adam 的 beta_1 和 beta_2 必须不小于 0 且小于 1。</translation>
    </message>
    <message>
        <source>rho must be at least 0 and below 1.</source>
        <translation>rho 必须不小于 0 且小于 1。</translation>
    </message>
    <message>
        <source>epsilon must be greater than 0.</source>
        <translation>epsilon 必须大于 0。</translation>
    </message>
    <message>
        <source>The decay must not be negative.</source>
        <translation>衰减不能为负数。</translation>
    </message>
    <message>
        <source>The batch size must be at least 1.</source>
        <translation>批次大小至少为 1。</translation>
    </message>
    <message>
        <source>Train for at least one epoch.</source>
        <translation>至少训练一轮。</translation>
    </message>
    <message>
        <source>The validation split must be at least 0 and below 1.</source>
        <translation>验证集比例必须不小于 0 且小于 1。</translation>
    </message>
    <message>
        <source>Early stopping watches %1, which needs validation data: set a validation split above 0.</source>
        <translation>提前停止监控 %1，需要验证数据：请把验证集比例设为大于 0。</translation>
    </message>
    <message>
        <source>A validation split of %1 of %2 images leaves no images for training or for validation.</source>
        <translation>在 %2 张图像上使用 %1 的验证集比例，会使训练或验证没有图像可用。</translation>
    </message>
    <message>
        <source>There is not enough memory for this network. Use fewer or smaller layers, a smaller batch size, or train on fewer images.</source>
        <translation>内存不足以训练这个网络。请使用更少或更小的层、更小的批次，或用更少的图像训练。</translation>
    </message>
    <message>
        <source>This configuration cannot be trained: %1.</source>
        <translation>无法训练这个配置：%1。</translation>
    </message>
    <message>
        <source>Training failed: %1</source>
        <translation>训练失败：%1</translation>
    </message>
    <message>
        <source>Early stopping can watch loss, accuracy, val_loss or val_accuracy, not %1.</source>
        <translation>提前停止可以监控 loss、accuracy、val_loss 或 val_accuracy，不能监控 %1。</translation>
    </message>
    <message>
        <source>The early-stopping patience must not be negative.</source>
        <translation>提前停止的耐心轮数不能为负数。</translation>
    </message>
    <message>
        <source>There are no training images.</source>
        <translation>没有训练图像。</translation>
    </message>
    <message>
        <source>The images have %1 pixels, the network expects %2.</source>
        <translation>图像有 %1 个像素，网络需要 %2 个。</translation>
    </message>
    <message>
        <source>the loss became NaN</source>
        <translation>损失变成了 NaN</translation>
    </message>
    <message>
        <source>the loss became infinite</source>
        <translation>损失变成了无穷大</translation>
    </message>
    <message>
        <source>the loss rose to %1 (it started at %2)</source>
        <translation>损失升到了 %1（开始时为 %2）</translation>
    </message>
    <message>
        <source>the weights became infinite</source>
        <translation>权重变成了无穷大</translation>
    </message>
    <message>
        <source>did not learn in epoch %1: the loss went from %2 to %3 and the accuracy stayed at %4% (chance is %5%)</source>
        <translation>第 %1 轮没有学到东西：损失从 %2 变为 %3，准确率停留在 %4%（随机猜测为 %5%）</translation>
    </message>
    <message>
        <source>diverged: %1 in epoch %2, batch %3</source>
        <translation>发散：第 %2 轮第 %3 批时%1</translation>
    </message>
    <message>
        <source>diverged: %1 in epoch %2</source>
        <translation>发散：第 %2 轮时%1</translation>
    </message>
</context>
<context>
    <name>digit::ui::WeightTiles</name>
    <message>
        <source>   (scale: ±%1)</source>
        <translation>   （范围：±%1）</translation>
    </message>
</context>
</TS>
